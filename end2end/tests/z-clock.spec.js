// The billing clock through its command (issue 11). This file's name sorts
// last on purpose: it moves the billing clock a month ahead for every
// organisation, so it runs after every other browser test.
const { test, expect } = require("@playwright/test");
const { execFileSync } = require("node:child_process");
const path = require("node:path");
const { loginToBilling } = require("./helpers");

test("the clock run to the period end shows the renewal invoice on the page", async ({ page }) => {
  test.skip(!process.env.E2E_DATABASE_URL, "needs the server's database (E2E_DATABASE_URL)");
  await loginToBilling(page, "anna@acme.example");
  const next = (await page.locator('[data-test="next-invoice"]').innerText()).trim();
  const amount = next.split(" – ").pop();
  const before = await page.locator('[data-test="document-row"]').count();
  // A month on, Acme's period has ended at least once.
  const later = new Date(Date.now() + 31 * 86400 * 1000).toISOString();
  const bin = path.join(__dirname, "..", "..", "target", "debug", "billing-portal");
  const out = execFileSync(bin, ["clock", "--now", later], {
    env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL, RUST_LOG: "warn" },
  }).toString();
  const report = JSON.parse(out);
  expect(report.done.renewed).toBeGreaterThan(0);
  await page.reload();
  const rows = page.locator('[data-test="document-row"]');
  await expect(rows.first()).toContainText("Faktura");
  await expect(rows.first()).toContainText(amount);
  expect(await rows.count()).toBeGreaterThanOrEqual(Math.min(before + 1, 5));
  // Running it again for the same instant changes nothing.
  const again = JSON.parse(
    execFileSync(bin, ["clock", "--now", later], {
      env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL, RUST_LOG: "warn" },
    }).toString(),
  );
  expect(again.done.renewed).toBe(0);
  expect(again.done.invoices).toBe(0);
  await page.screenshot({ path: "test-results/after-clock.png", fullPage: true });
});
