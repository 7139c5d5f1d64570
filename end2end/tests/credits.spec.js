// Credits in the browser: buying a pack, and no packs on Starter.
const { test, expect } = require("@playwright/test");
const { loginToBilling } = require("./helpers");


function credits(text) {
  return Number(text.replace(/[^0-9]/g, ""));
}

test("an admin buys a pack and sees the balance and history change", async ({ page }) => {
  await loginToBilling(page, "bertil@acme.example");
  await page.getByRole("link", { name: "Krediter" }).click();
  await expect(page).toHaveURL(/\/billing\/credits$/);
  await expect(page.locator('[data-test="usage-chart"]')).toBeVisible();
  const before = credits(await page.locator('[data-test="balance-total"]').innerText());
  // Two steps: the price with VAT, what the invoice will be, then confirm.
  await page.getByText("Köp för 612,50\u00a0kr inkl. moms").click();
  await expect(page.locator('[data-test="pack-confirm"]').first()).toContainText("490,00\u00a0kr + moms = 612,50\u00a0kr");
  expect(credits(await page.locator('[data-test="balance-total"]').innerText())).toBe(before);
  await page.getByRole("button", { name: "Bekräfta köpet" }).first().click();
  await expect(page.locator('[data-test="balance-total"]')).toHaveText(/\d/);
  await expect
    .poll(async () => credits(await page.locator('[data-test="balance-total"]').innerText()))
    .toBe(before + 5000);
  const row = page.locator('[data-test="history"] tbody tr').first();
  await expect(row).toContainText("+5\u00a0000");
  // The pack's invoice in words, not the ledger's internal source.
  await expect(row).toContainText(/Faktura \d{4}-\d{6}/);
  await expect(page.locator('[data-test="history"]')).not.toContainText("pack:");
  await expect(page.locator('[data-test="history"]')).not.toContainText("allowance:");
  await page.screenshot({ path: "test-results/credits.png", fullPage: true });
});

test("the Starter organisation is offered no credit packs", async ({ page }) => {
  await loginToBilling(page, "sara@smaforetaget.example");
  await page.goto("/billing/credits");
  await expect(page.locator('[data-test="no-packs"]')).toContainText("Extra kreditpaket finns inte på Starter");
  await expect(page.getByText(/Köp för/)).toHaveCount(0);
});
