// The flows a person clicks through on the billing overview.
const { test, expect } = require("@playwright/test");
const { PASSWORD, login, loginToBilling } = require("./helpers");



test("the billing owner logs in and sees plan and price", async ({ page }) => {
  await loginToBilling(page, "anna@acme.example");
  const plan = page.locator('[data-test="plan"]');
  await expect(plan).toContainText("Professional");
  await expect(page.locator('[data-test="price"]')).toHaveText("1\u00a0984,00\u00a0kr");
  await expect(page.locator('[data-test="seats"]')).toContainText("4 använda av 6 köpta");
  await expect(page.getByText("Äldre pris: du sparar 300,00")).toBeVisible();
  await page.screenshot({ path: "test-results/overview-owner.png", fullPage: true });
});

// Every page is its own piece of WebAssembly (`cargo leptos build --split`):
// a first visit fetches the shell's and the overview's pieces (each one the
// page names for preloading among them), and following a link fetches the
// next page's pieces then, and that page works.
test("a first visit loads the overview's code; the next page's comes when it opens", async ({ page }) => {
  const response = await page.request.post("/api/login", {
    form: { email: "anna@acme.example", password: PASSWORD },
  });
  expect(response.ok()).toBeTruthy();
  const fetched = [];
  page.on("request", (r) => {
    if (new URL(r.url()).pathname.endsWith(".wasm")) fetched.push(new URL(r.url()).pathname);
  });
  const pieces = (paths) => paths.filter((p) => /\/(chunk|split)_[^/]*\.wasm$/.test(p));
  await page.goto("/billing");
  await page.waitForLoadState("networkidle");
  const preloaded = await page
    .locator('link[rel="preload"][href$=".wasm"]')
    .evaluateAll((links) => links.map((l) => l.getAttribute("href")));
  for (const href of preloaded) expect(fetched).toContain(href);
  expect(pieces(fetched).length).toBeGreaterThan(0);
  const firstVisit = new Set(fetched);
  await page.locator('[data-test="all-documents"]').click();
  await expect(page).toHaveURL(/\/billing\/invoices$/);
  await expect(page.locator('a[href^="/billing/invoices/2"]').first()).toBeVisible();
  expect(pieces(fetched.filter((f) => !firstVisit.has(f))).length).toBeGreaterThan(0);
});

test("a member is refused and told whom to ask", async ({ page }) => {
  await loginToBilling(page, "cecilia@acme.example");
  await expect(page.locator('[data-test="no-access"]')).toContainText(
    "Du har inte tillgång till fakturering. Fråga Anna Andersson.",
  );
  await expect(page.locator('[data-test="plan"]')).toHaveCount(0);
});

test("the overview works with JavaScript disabled", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("E-post").fill("bertil@acme.example");
  await page.getByLabel("Lösenord").fill(PASSWORD);
  await page.getByRole("button", { name: "Logga in" }).last().click();
  await expect(page).toHaveURL(/\/billing$/);
  await expect(page.locator('[data-test="plan"]')).toContainText("Professional");
  await expect(page.locator('[data-test="next-invoice"]')).toContainText("2\u00a0480,00\u00a0kr");
  await context.close();
});

test("English, then log out", async ({ page }) => {
  await loginToBilling(page, "anna@acme.example");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Billing · Acme AB");
  await expect(page.locator('[data-test="price"]')).toHaveText("SEK\u00a01,984.00");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page).toHaveTitle("Billing");
  await page.goto("/billing/invoices");
  await expect(page).toHaveTitle("Invoices and credit notes – Billing");
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/billing");
  await expect(page).toHaveURL(/\/login$/);
});

test("a wrong password gets one generic message", async ({ page }) => {
  await login(page, "anna@acme.example", "wrong");
  await expect(page.getByRole("alert")).toHaveText("Fel e-postadress eller lösenord.");
});

test("a Norwegian organisation's admin reads Norwegian, and can choose Swedish", async ({ page }) => {
  await loginToBilling(page, "ola@nordlys.example");
  await expect(page.locator("html")).toHaveAttribute("lang", "nb");
  await expect(page.getByText("Nåværende plan")).toBeVisible();
  await expect(page.getByRole("link", { name: "Fakturaer", exact: true })).toBeVisible();
  await page.goto("/billing/invoices");
  await expect(page).toHaveTitle("Fakturaer og kreditnotaer – Fakturering");
  await page.getByRole("button", { name: "Svenska" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "sv");
  await expect(page).toHaveTitle("Fakturor och kreditfakturor – Fakturering");
});

test("after ending auto-renew and resuming it, the overview shows each state at once", async ({ page }) => {
  await loginToBilling(page, "ola@nordlys.example");
  await page.goto("/billing/cancel");
  await page.waitForLoadState("networkidle");
  await page.getByRole("button", { name: "Avslutt automatisk fornyelse" }).click();
  await expect(page).toHaveURL(/\/billing$/);
  await expect(page.locator('[data-test="plan"]')).toContainText(/fornyes ikke/i);
  await page.getByRole("button", { name: "Gjenoppta automatisk fornyelse" }).click();
  // No reload: the hydrated page reads the overview again.
  await expect(page.locator('[data-test="plan"]')).toContainText(/fornyes automatisk/i);
  await expect(page.getByRole("link", { name: "Avslutt automatisk fornyelse" })).toBeVisible();
});

test("the subscriptions page shows the plan, its dates and its history", async ({ page }) => {
  await loginToBilling(page, "anna@acme.example");
  await page.getByRole("link", { name: "Abonnemang" }).click();
  await expect(page).toHaveURL(/\/billing\/subscriptions$/);
  await expect(page.locator('[data-test="subscription"]')).toContainText("Professional");
  await expect(page.locator('[data-test="renews"]')).toContainText("Förnyas");
  await expect(page.locator('[data-test="history"]')).toContainText("Startade Professional med 6 platser");
});
