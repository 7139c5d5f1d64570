// Changing plans in the browser: upgrade now, scheduled downgrade, refusals.
const { test, expect } = require("@playwright/test");
const { loginToBilling, tabTo } = require("./helpers");


// The whole upgrade with the keyboard alone (R-UI-7): Tab and Enter.
test("the billing owner upgrades Starter to Business mid-period, with the keyboard alone", async ({ page }) => {
  await loginToBilling(page, "tove@provperioden.example");
  await page.waitForLoadState("networkidle");
  const named = (el, text) => (el.innerText || "").trim() === text;
  await tabTo(page, named, "Ändra plan eller platser");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/billing\/plan/);
  await page.waitForLoadState("networkidle");
  await tabTo(page, (el) => el.closest('[data-test="plan-Business"]') && (el.innerText || "").trim() === "Välj");
  await page.keyboard.press("Enter");
  const preview = page.locator('[data-test="preview"]');
  await expect(preview).toContainText("Uppgradering: gäller direkt.");
  const credited = (await page.locator('[data-test="credited-now"]').innerText()).trim();
  const charged = (await page.locator('[data-test="charged-now"]').innerText()).trim();
  await page.screenshot({ path: "test-results/plan-preview.png", fullPage: true });
  await tabTo(page, named, "Bekräfta ändringen");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/billing$/);
  await expect(page.locator('[data-test="plan"]')).toContainText("Business");
  const docs = page.locator('[data-test="documents"] tbody tr');
  await expect(docs.nth(0)).toContainText("Faktura");
  await expect(docs.nth(0)).toContainText(charged);
  await expect(docs.nth(1)).toContainText("Kreditfaktura");
  await expect(docs.nth(1)).toContainText(credited);
  await page.screenshot({ path: "test-results/after-upgrade.png", fullPage: true });
});

test("a downgrade is scheduled and shown as a banner", async ({ page }) => {
  await loginToBilling(page, "nils@nedgraderingen.example");
  await page.getByRole("link", { name: "Ändra plan eller platser" }).click();
  await page.locator('[data-test="plan-Starter"]').getByRole("link", { name: "Välj" }).click();
  await expect(page.locator('[data-test="preview"]')).toContainText("Ändringen gäller från nästa period.");
  await page.getByRole("button", { name: "Bekräfta ändringen" }).click();
  await expect(page).toHaveURL(/\/billing$/);
  await expect(page.getByRole("status").first()).toContainText("Din plan ändras till Starter");
  await expect(page.locator('[data-test="plan"]')).toContainText("Business");
});

test("an admin who is not the billing owner sees no change controls", async ({ page }) => {
  await loginToBilling(page, "bertil@acme.example");
  await expect(page.locator('[data-test="plan"]')).toContainText("Professional");
  await expect(page.getByRole("link", { name: "Ändra plan eller platser" })).toHaveCount(0);
  await page.goto("/billing/plan");
  await expect(page.getByText("Bara faktureringsansvarig (Anna Andersson) kan ändra plan och platser.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Välj" })).toHaveCount(0);
  // Plans as they can be bought: Free is too small, Enterprise goes through
  // sales, the current plan at the legacy price Acme pays, prices say "exkl. moms".
  await expect(page.locator('[data-test="plan-Free"] [data-test="unavailable"]')).toContainText("Free har plats för 3 användare");
  await expect(page.locator('[data-test="plan-Enterprise"] [data-test="unavailable"]')).toContainText("köps genom säljavdelningen");
  await expect(page.locator('[data-test="plan-Professional"] .price')).toContainText("1\u00a0984,00\u00a0kr/mån exkl. moms");
  // The server refuses the call itself.
  const status = await page.evaluate(async () => {
    const r = await fetch("/api/preview_change", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "plan_id=4&interval=monthly&seats=6",
    });
    return { ok: r.ok, body: await r.text() };
  });
  expect(status.ok).toBe(false);
  expect(status.body).toContain("Forbidden");
});

// A plan for one team (R-ACC-2): Teamet AB stays on Free, team Sälj buys
// Professional for its two members and gets its own billing page; a second
// team is sent to sales.
test("the billing owner buys a plan for one team, which gets its own billing page", async ({ page }) => {
  await loginToBilling(page, "tea@teamet.example");
  await page.getByRole("link", { name: "Ändra plan eller platser" }).click();
  const scopes = page.locator('[data-test="scopes"]');
  await expect(scopes).toContainText("Hela organisationen (Teamet AB)");
  await scopes.getByRole("link", { name: "Team Sälj" }).click();
  await expect(page).toHaveURL(/team=\d+/);
  await expect(scopes.getByRole("link", { name: "Team Sälj" })).toHaveAttribute("aria-current", "page");
  await page.locator('[data-test="plan-Professional"]').getByRole("link", { name: "Välj" }).click();
  const preview = page.locator('[data-test="preview"]');
  await expect(preview).toContainText("Professional, 2 platser");
  // The whole first month, VAT included: (490 + 2 × 299) × 1,25.
  await expect(page.locator('[data-test="due-now"]')).toHaveText("1\u00a0360,00\u00a0kr");
  await page.getByRole("button", { name: "Bekräfta ändringen" }).click();
  await expect(page).toHaveURL(/\/billing\/teams\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Team Sälj");
  await expect(page.locator('[data-test="plan"]')).toContainText("Professional");
  await expect(page.locator('[data-test="seats"]')).toContainText("2");
  await expect(page.locator('[data-test="documents"] tbody tr')).toHaveCount(1);
  await expect(page.locator('[data-test="documents"] tbody tr').first()).toContainText("1\u00a0360,00\u00a0kr");
  await page.screenshot({ path: "test-results/team-billing.png", fullPage: true });
  // The organisation is still on Free and lists the team's plan.
  await page.getByRole("link", { name: "Organisationens fakturering" }).click();
  await expect(page).toHaveURL(/\/billing$/);
  await expect(page.locator('[data-test="plan"]')).toContainText("Free");
  await expect(page.locator('[data-test="team-plans"]')).toContainText("Team Sälj: Professional, 2 platser");
  // A second team is for sales.
  await page.goto("/billing/plan");
  await page.locator('[data-test="scopes"]').getByRole("link", { name: "Team Support" }).click();
  await expect(page.locator('[data-test="plan-Professional"] [data-test="unavailable"]')).toContainText("kontakta säljavdelningen");
  await expect(page.locator('[data-test="plan-Professional"]').getByRole("link", { name: "Välj" })).toHaveCount(0);
});
