// The billing owner hands the role over (R-ACC-5), with JavaScript off:
// the form posts to the server function, which redirects back (R-UI-8).
const { test, expect } = require("@playwright/test");
const { loginToBilling } = require("./helpers");

test.use({ javaScriptEnabled: false });

test("Småföretaget's owner hands the billing owner's role to Anna and loses it at once", async ({ page }) => {
  await loginToBilling(page, "sara@smaforetaget.example");
  await page.goto("/billing/team");
  await expect(page.locator('[data-test="seats-used"]')).toBeVisible();
  const form = page.locator('[data-test="handover"]');
  await form.getByLabel("Ny faktureringsansvarig").selectOption({ label: "Anna Andersson (admin)" });
  await form.getByLabel(/Jag förstår/).check();
  await page.screenshot({ path: "test-results/owner-handover.png", fullPage: true });
  await form.getByRole("button", { name: "Lämna över" }).click();
  await expect(page).toHaveURL(/\/billing\/team$/);
  await expect(page.getByText("Faktureringsansvarig: Anna Andersson")).toBeVisible();
  await expect(page.locator('[data-test="handover"]')).toHaveCount(0);
  // Sara is an admin still, no longer the owner: the plan page refuses.
  await page.goto("/billing/plan");
  await expect(page.getByText(/Anna Andersson/)).toBeVisible();
});
