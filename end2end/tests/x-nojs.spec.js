// Before the WebAssembly loads (R-UI-8): forms post to the server functions,
// which redirect back; what the server answered shows on the page it comes
// back to.
const { test, expect } = require("@playwright/test");
const { login, loginToBilling } = require("./helpers");

test.use({ javaScriptEnabled: false });

test("a wrong password says so without JavaScript", async ({ page }) => {
  await login(page, "anna@acme.example", "wrong");
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("alert")).toHaveText("Fel e-postadress eller lösenord.");
});

test("a new API key's secret is shown once without JavaScript", async ({ page }) => {
  await loginToBilling(page, "anna@acme.example");
  await page.goto("/billing/api-keys");
  await page.getByLabel("Namn").fill("Utan JavaScript");
  await page.getByRole("button", { name: "Skapa nyckel" }).click();
  await expect(page).toHaveURL(/\/billing\/api-keys/);
  const secret = page.locator('[data-test="secret"]');
  await expect(secret).toHaveText(/^bp_/);
  await expect(page.getByRole("cell", { name: "Utan JavaScript" })).toBeVisible();
  await page.reload();
  await expect(page.locator('[data-test="secret"]')).toHaveCount(0);
});
