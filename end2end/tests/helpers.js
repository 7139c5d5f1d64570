// Shared steps of the browser tests.
const { expect } = require("@playwright/test");

const PASSWORD = "demo1234";

// Logs in through the form once the WebAssembly has hydrated it.
async function login(page, email, password = PASSWORD) {
  await page.goto("/login");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("E-post").fill(email);
  await page.getByLabel("Lösenord").fill(password);
  await page.getByRole("button", { name: "Logga in" }).last().click();
}

async function loginToBilling(page, email) {
  await login(page, email);
  await expect(page).toHaveURL(/\/billing$/);
}

module.exports = { PASSWORD, login, loginToBilling };
