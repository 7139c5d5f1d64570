// Invoices in the browser: the list with its filter and pages, the detail
// page, a real PDF download, and the billing details form.
const { test, expect } = require("@playwright/test");
const { loginToBilling } = require("./helpers");

test("an admin filters the invoice list, opens one and downloads its PDF", async ({ page }) => {
  await loginToBilling(page, "bertil@acme.example");
  await page.locator('[data-test="all-documents"]').click();
  await expect(page).toHaveURL(/\/billing\/invoices$/);
  await expect(page.locator('[data-test="document-row"]')).toHaveCount(10);
  await expect(page.locator('[data-test="pager"]')).toContainText("Sida 1 av 2");
  await page.getByRole("link", { name: "Äldre →" }).click();
  await expect(page.locator('[data-test="pager"]')).toContainText("Sida 2 av 2");

  await page.getByRole("link", { name: "Förfallen" }).click();
  await expect(page.locator('[data-test="no-documents"]')).toBeVisible();
  await page.getByRole("link", { name: "Alla" }).click();
  const first = page.locator('[data-test="document-number"]').first();
  const number = (await first.innerText()).trim();
  await first.click();
  await expect(page).toHaveURL(new RegExp(`/billing/invoices/${number}$`));
  await expect(page.locator('[data-test="number"]')).toHaveText(number);
  await expect(page.locator('[data-test="ocr"]')).toHaveText(/^\d+$/);
  await expect(page.locator('[data-test="seller"]')).toContainText("Molnportalen Sverige AB");
  await expect(page.locator('[data-test="vat"]')).toHaveCount(1);
  await page.screenshot({ path: "test-results/invoice.png", fullPage: true });

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator('[data-test="pdf-download"]').click(),
  ]);
  expect(download.suggestedFilename()).toBe(`${number}.pdf`);
  const path = await download.path();
  const bytes = require("fs").readFileSync(path);
  expect(bytes.subarray(0, 4).toString()).toBe("%PDF");

  // The same document as a Peppol e-invoice (R-INV-8).
  const [ubl] = await Promise.all([
    page.waitForEvent("download"),
    page.locator('[data-test="ubl-download"]').click(),
  ]);
  expect(ubl.suggestedFilename()).toBe(`${number}.xml`);
  const xml = require("fs").readFileSync(await ubl.path(), "utf8");
  expect(xml).toContain("urn:fdc:peppol.eu:2017:poacc:billing:3.0");
  expect(xml).toContain(`<cbc:ID>${number}</cbc:ID>`);
  expect(xml).toContain('<cbc:EndpointID schemeID="0007">5566778899</cbc:EndpointID>');
});

test("the overdue invoice is marked overdue", async ({ page }) => {
  await loginToBilling(page, "frida@forfallna.example");
  await page.goto("/billing/invoices?status=overdue");
  await expect(page.locator('[data-test="document-status"]')).toHaveText(["Förfallen"]);
});

test("only the billing owner edits billing details, with field errors", async ({ page }) => {
  await loginToBilling(page, "nils@nedgraderingen.example");
  await page.goto("/billing/details");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Land", { exact: true }).selectOption("DE");
  await page.getByLabel("Momsregistreringsnummer").fill("SE556677889901");
  await page.getByLabel("E-post för fakturor").fill("inte en adress");
  await page.getByRole("button", { name: "Spara" }).click();
  await expect(page.locator('[data-test="error-vat_number"]')).toContainText("börjar med DE");
  await expect(page.locator('[data-test="error-invoice_email"]')).toContainText("är ingen e-postadress");
  await expect(page.getByLabel("Momsregistreringsnummer")).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("Land", { exact: true }).selectOption("SE");
  await page.getByLabel("E-post för fakturor").fill("ekonomi@nedgraderingen.example");
  // A Swedish organisation number with a wrong check digit, then the right one.
  await page.getByLabel("Organisationsnummer").fill("556036-0794");
  await page.getByRole("button", { name: "Spara" }).click();
  await expect(page.locator('[data-test="error-org_number"]')).toContainText("kontrollsiffra");
  await page.getByLabel("Organisationsnummer").fill("556036-0793");
  await page.getByRole("button", { name: "Spara" }).click();
  await expect(page.locator('[data-test="saved"]')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("E-post för fakturor")).toHaveValue("ekonomi@nedgraderingen.example");
  await expect(page.getByLabel("Organisationsnummer")).toHaveValue("5560360793");
});

test("an admin who is not the billing owner sees the details read-only", async ({ page }) => {
  await loginToBilling(page, "bertil@acme.example");
  await page.goto("/billing/details");
  await expect(page.locator('[data-test="read-only"]')).toContainText("Anna Andersson");
  await expect(page.getByLabel("Juridiskt namn")).toBeDisabled();
  await expect(page.getByRole("button", { name: "Spara" })).toHaveCount(0);
});
