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

test("an operator downloads the year's sales as an SIE 4 file", async ({ page }) => {
  await opsLogin(page);
  await page.getByRole("link", { name: "Payments" }).click();
  await page.waitForLoadState("networkidle");
  const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
  const form = page.locator('[data-test="sie-export"]');
  await form.getByLabel("First day").fill(day(-365));
  await form.getByLabel("Last day").fill(day(1));
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    form.getByRole("button", { name: "Download" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^sales-\d{8}-\d{8}\.si$/);
  const bytes = require("fs").readFileSync(await download.path());
  const text = bytes.toString("latin1");
  expect(text.startsWith("#FLAGGA 0\r\n#FORMAT PC8\r\n#SIETYP 4\r\n")).toBe(true);
  expect(text).toContain("#KONTO 1510");
  expect(text).toMatch(/#VER A "" \d{8} "Faktura /);
  // "Småföretaget AB" in code page 437: å is 0x86, ö 0x94.
  expect(bytes.includes(Buffer.from([0x53, 0x6d, 0x86, 0x66, 0x94]))).toBe(true);
});

test("support reads but cannot change", async ({ page }) => {
  await opsLogin(page, "siv@vendor.example");
  await expect(page.locator('[data-test="operator"]')).toContainText("support, read-only");
  await page.getByRole("link", { name: "Catalog" }).click();
  await expect(page.getByRole("button", { name: "Preview" })).toBeDisabled();
});

// A day `days` from the browser's today, as a date input takes it.
function daysAhead(days) {
  const d = new Date(Date.now() + days * 86400000);
  return d.toISOString().slice(0, 10);
}

test("an operator gives goodwill: a credit note and credits; the customer reads the reason on both", async ({ page }) => {
  await opsLogin(page);
  await openAcme(page);
  const noteForm = page.locator('[data-test="goodwill-note-form"]');
  const invoice = await noteForm.getByLabel("Invoice it corrects").inputValue();
  await noteForm.getByLabel("Amount before VAT").fill("100");
  await noteForm.getByLabel("Reason").fill("The export was down two days");
  await noteForm.getByRole("button", { name: "Preview credit note" }).click();
  const preview = page.locator('[data-test="goodwill-note-preview"]');
  await expect(preview).toContainText(`A credit note against ${invoice}`);
  await preview.getByRole("button", { name: /Issue the credit note of/ }).click();
  const issued = page.locator('[data-test="goodwill-note-issued"]');
  await expect(issued).toContainText(`issued against ${invoice}`);
  await expect(preview).toHaveCount(0);
  const note = (await issued.textContent()).match(/Credit note (\S+) of/)[1];

  const creditsForm = page.locator('[data-test="goodwill-credits-form"]');
  await creditsForm.getByLabel("Credits").fill("500");
  await creditsForm.getByLabel("Last day they can be used").fill(daysAhead(30));
  await creditsForm.getByLabel("Reason").fill("Sorry for the outage");
  await creditsForm.getByRole("button", { name: "Preview credits" }).click();
  await page.locator('[data-test="goodwill-credits-preview"]').getByRole("button", { name: "Grant 500 credits" }).click();
  await expect(page.locator('[data-test="goodwill-credits-granted"]')).toHaveText("500 credits granted.");
  await page.screenshot({ path: "test-results/ops-goodwill.png", fullPage: true });

  await loginToBilling(page, "anna@acme.example");
  await page.goto(`/billing/invoices/${note}`);
  await expect(page.getByText("Goodwill-kreditering: The export was down two days")).toBeVisible();
  await expect(page.getByText(`Krediterar faktura ${invoice}`)).toBeVisible();
  await page.goto("/billing/credits");
  await expect(page.getByText(/Sorry for the outage/)).toBeVisible();
});

test("an operator sets up an enterprise contract from the next renewal", async ({ page }) => {
  await opsLogin(page);
  await page.goto("/ops?q=Småföretaget");
  await page.getByRole("link", { name: "Småföretaget AB" }).click();
  await page.waitForLoadState("networkidle");
  const form = page.locator('[data-test="contract-form"]');
  await form.getByLabel("Term").selectOption("2");
  await form.getByLabel("List price per year").fill("120 000");
  await form.getByLabel("Volume discount").fill("10");
  await form.getByLabel("Seat tier").fill("50");
  await form.getByLabel("Schedule").selectOption("quarterly");
  await form.getByRole("button", { name: "Preview contract" }).click();
  const preview = page.locator('[data-test="contract-preview"]');
  await expect(preview).toContainText("becomes Enterprise, annual, 50 seats");
  await expect(preview.locator("li")).toHaveCount(8);
  await page.screenshot({ path: "test-results/ops-contract.png", fullPage: true });
  await preview.getByRole("button", { name: "Set up the contract" }).click();
  await expect(page.locator('[data-test="contract-saved"]')).toContainText("Contract set up; it starts");
  await expect(page.locator('[data-test="contract"]')).toContainText("Seat tier");
  // What the customer sees: the contract on their billing page.
  await page.getByRole("link", { name: "What the customer sees" }).click();
  await expect(page.locator('[data-test="customer-view"]')).toContainText("Småföretaget AB");
});

test("the outbox lists the e-mails with their documents; a member is deactivated, not deleted", async ({ page }) => {
  await opsLogin(page);
  await page.getByRole("link", { name: "Outbox" }).click();
  await page.waitForLoadState("networkidle");
  await expect(page.locator('[data-test="delivery"]')).toContainText(".eml files");
  const rows = page.locator('[data-test="outbox"] tbody tr');
  expect(await rows.count()).toBeGreaterThan(0);
  const href = await page.locator('[data-test="outbox"] a[download]').first().getAttribute("href");
  const pdf = await page.request.get(href);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");

  await openAcme(page);
  const gustav = page.locator('[data-member="gustav@acme.example"]');
  await gustav.getByRole("button", { name: "Deactivate" }).click();
  await expect(page.locator('[data-test="member-saved"]')).toBeVisible();
  await expect(gustav.locator('[data-test="active"]')).toHaveText("deactivated");
  await expect(gustav.getByRole("button", { name: "Reactivate" })).toBeVisible();
});
