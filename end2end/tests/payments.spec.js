// Paying a failed invoice (issue 12): the billing owner of a past-due
// organisation tries a card that is declined, then a good one, presses
// Retry now, and the invoice is paid and the banner gone.
const { test, expect } = require("@playwright/test");
const { PASSWORD, loginToBilling } = require("./helpers");

async function fillCard(page, number) {
  await page.getByLabel("Kortnummer").fill(number);
  await page.getByLabel("Giltigt till (MM/ÅÅ)").fill("12/30");
  await page.getByLabel("CVC").fill("123");
  await page.locator('[data-test="save-card"]').click();
}

test("a past-due owner replaces a declined card and pays with Retry now", async ({ page }) => {
  await loginToBilling(page, "frida@forfallna.example");
  const banner = page.locator('[data-test="payment-failed"]');
  await expect(banner).toContainText("Din betalning på");
  await expect(banner).toContainText("misslyckades: kortet nekades");
  await page.screenshot({ path: "test-results/past-due-banner.png", fullPage: true });
  await banner.getByRole("link", { name: "Uppdatera betalningsmetod" }).click();
  await expect(page).toHaveURL(/\/billing\/payment-method$/);
  await page.waitForLoadState("networkidle");

  await fillCard(page, "4000 0000 0000 0002");
  await expect(page.locator('[data-test="error-number"]')).toContainText("sparade inte kortet: kortet nekades");
  await expect(page.locator('[data-test="method-shown"]')).toContainText("Visa •••• 0341");
  await expect(page.locator('[data-test="payment-failed"]')).toBeVisible();

  await fillCard(page, "4242 4242 4242 4242");
  await expect(page.locator('[data-test="saved"]')).toContainText("Visa •••• 4242");
  await expect(page.locator('[data-test="method-shown"]')).toContainText("Visa •••• 4242, 12/30");
  await page.screenshot({ path: "test-results/payment-method.png", fullPage: true });

  await page.locator('[data-test="retry-now"]').click();
  await expect(page).toHaveURL(/\/billing$/);
  await expect(page.locator('[data-test="payment-failed"]')).toHaveCount(0);
  const newest = page.locator('[data-test="document-row"]').first();
  await expect(newest).toContainText("Betald");
  await newest.getByRole("link").first().click();
  await expect(page.locator('[data-test="receipt"]')).toContainText("med Visa •••• 4242");
  await expect(page.locator('[data-test="attempts"]')).toContainText("Nekad: kortet nekades");
  await page.screenshot({ path: "test-results/invoice-paid.png", fullPage: true });
});

test("the payment method is saved with JavaScript disabled", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("E-post").fill("nils@nedgraderingen.example");
  await page.getByLabel("Lösenord").fill(PASSWORD);
  await page.getByRole("button", { name: "Logga in" }).last().click();
  await expect(page).toHaveURL(/\/billing$/);
  await page.goto("/billing/payment-method");
  await fillCard(page, "5555 5555 5555 4444");
  await expect(page.locator('[data-test="method-shown"]')).toContainText("Mastercard •••• 4444");
  await page.locator('[data-test="choose-invoice"]').click();
  await expect(page.locator('[data-test="method-shown"]')).toContainText("Faktura (bankgiro)");
  await context.close();
});

test("PayPal is approved on its page and becomes the payment method", async ({ page }) => {
  await loginToBilling(page, "tove@provperioden.example");
  await page.goto("/billing/payment-method");
  await page.waitForLoadState("networkidle");
  await page.locator('[data-test="choose-paypal"]').click();
  await expect(page.locator('[data-test="paypal-approval"]')).toBeVisible();
  await page.waitForLoadState("networkidle");
  await page.locator('[data-test="paypal-approve"]').click();
  await expect(page).toHaveURL(/\/billing\/payment-method$/);
  await expect(page.locator('[data-test="method-shown"]')).toContainText("PayPal (");
});
