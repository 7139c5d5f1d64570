// The operators' console: an operator publishes a price, voids an invoice
// and imports Bankgirot's example BgMax file; the customer sees the result.
// Runs after the customer flows (file order): it changes Acme's billing.
const path = require("path");
const { test, expect } = require("@playwright/test");
const { PASSWORD, loginToBilling } = require("./helpers");

async function opsLogin(page, email = "olof@vendor.example") {
  await page.goto("/ops/login");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/ops$/);
  await page.waitForLoadState("networkidle");
}

async function openAcme(page) {
  await page.goto("/ops?q=acme");
  await page.getByRole("link", { name: "Acme AB" }).click();
  await expect(page.locator('[data-test="org-name"]')).toHaveText("Acme AB");
  await page.waitForLoadState("networkidle");
}

test("customers are sent to the console's own login", async ({ page }) => {
  await loginToBilling(page, "anna@acme.example");
  await page.goto("/ops/catalog");
  await expect(page).toHaveURL(/\/ops\/login$/);
});

test("an operator publishes a new Professional price; Acme keeps its own and sees the legacy discount", async ({ page }) => {
  await opsLogin(page);
  await page.getByRole("link", { name: "Catalog" }).click();
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Plan").selectOption({ label: "Professional" });
  await page.getByLabel("Flat amount").fill("490");
  await page.getByLabel("Per seat").fill("349");
  await page.getByRole("button", { name: "Preview" }).click();
  const preview = page.locator('[data-test="price-preview"]');
  await expect(preview).toContainText("Professional SEK monthly: version 3");
  await expect(preview).toContainText("Replaces v2");
  await page.screenshot({ path: "test-results/ops-catalog.png", fullPage: true });
  await preview.getByRole("button", { name: "Publish Professional v3" }).click();
  await expect(page.locator('[data-test="published"]')).toHaveText("Published Professional v3.");
  await expect(page.locator('[data-plan="Professional"]')).toContainText("v3");

  await loginToBilling(page, "anna@acme.example");
  // 6 seats × (349 − 249) kr.
  await expect(page.getByText("Äldre pris: du sparar 600,00")).toBeVisible();
  await expect(page.locator('[data-test="price"]')).toHaveText("1\u00a0984,00\u00a0kr");
});

test("an operator voids an invoice; the customer sees the credit note and the invoice void", async ({ page }) => {
  await opsLogin(page);
  await openAcme(page);
  const row = page.locator('[data-test="documents"] tbody tr').filter({ has: page.getByRole("button", { name: "Void…" }) }).first();
  const number = await row.getAttribute("data-number");
  await row.getByLabel("Reason").fill("Invoiced twice by mistake");
  await row.getByRole("button", { name: "Void…" }).click();
  const preview = page.locator('[data-test="void-preview"]');
  await expect(preview).toContainText(`Void ${number}: a credit note of`);
  await preview.getByRole("button", { name: `Void ${number} with a credit note` }).click();
  const voided = page.locator('[data-test="voided"]');
  await expect(voided).toContainText(`${number} is void; credit note`);
  const note = (await voided.textContent()).match(/credit note (\S+) issued/)[1];
  await page.screenshot({ path: "test-results/ops-void.png", fullPage: true });

  await loginToBilling(page, "anna@acme.example");
  await page.goto(`/billing/invoices/${number}`);
  await expect(page.locator('[data-test="status"]')).toHaveText("Makulerad");
  await expect(page.getByText(`Krediterad av ${note}`)).toBeVisible();
  await page.goto(`/billing/invoices/${note}`);
  await expect(page.getByText(`Krediterar faktura ${number}`)).toBeVisible();
});

test("an operator imports Bankgirot's example BgMax file and matches one payment by hand", async ({ page }) => {
  await opsLogin(page);
  await openAcme(page);
  // An invoice of Acme's to match to.
  const number = await page.locator('[data-test="documents"] tbody tr').filter({ has: page.getByRole("button", { name: "Void…" }) }).first().getAttribute("data-number");
  await page.getByRole("link", { name: "Payments" }).click();
  await page.waitForLoadState("networkidle");
  await page.getByLabel("File").setInputFiles(
    path.join(__dirname, "../../tests/fixtures/bgmax/bankgiroinbetalningar_exempelfil_avtal-om-ocr-kontroll_checksiffra_langd_sv.txt"),
  );
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.locator('[data-test="imported"]')).toContainText("Imported: 7 payments in the file");
  const waiting = page.locator('[data-test="waiting"] tbody tr');
  const before = await waiting.count();
  expect(before).toBeGreaterThan(0);
  await page.screenshot({ path: "test-results/ops-payments.png", fullPage: true });
  await page.waitForLoadState("networkidle");
  const first = waiting.filter({ has: page.getByRole("button", { name: "Match" }) }).first();
  await first.getByLabel("Invoice number").fill(number);
  await first.getByRole("button", { name: "Match" }).click();
  await expect(page.locator('[data-test="matched"]')).toBeVisible();
  await expect(waiting).toHaveCount(before - 1);
  // The same file again adds nothing.
  await page.getByLabel("File").setInputFiles(
    path.join(__dirname, "../../tests/fixtures/bgmax/bankgiroinbetalningar_exempelfil_avtal-om-ocr-kontroll_checksiffra_langd_sv.txt"),
  );
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.locator('[data-test="imported"]')).toContainText("7 seen in an earlier import");
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.locator('[data-test="audit"]')).toContainText("payment.bank");
});

test("support reads but cannot change", async ({ page }) => {
  await opsLogin(page, "siv@vendor.example");
  await expect(page.locator('[data-test="operator"]')).toContainText("support, read-only");
  await page.getByRole("link", { name: "Catalog" }).click();
  await expect(page.getByRole("button", { name: "Preview" })).toBeDisabled();
});
