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

// Presses Tab until the focused element is one `matches` (run in the page
// with the element) accepts: how a keyboard user gets there.
async function tabTo(page, matches, arg) {
  // In the page: does `matches` accept the focused element, or (`anywhere`)
  // any control on the page?
  const accepted = ([m, a, anywhere]) => {
    const accepts = new Function("el", "arg", `return (${m})(el, arg)`);
    const candidates = anywhere
      ? [...document.querySelectorAll("a, button, input, select, textarea, [tabindex]")]
      : [document.activeElement];
    return candidates.some((el) => accepts(el, a));
  };
  // A person sees the control before reaching for it: wait until the page
  // shows one (after a navigation the lazy page's code may still be on its
  // way when the network first goes idle), then Tab.
  await page.waitForFunction(accepted, [matches.toString(), arg, true], { timeout: 10000 });
  for (let i = 0; i < 100; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(accepted, [matches.toString(), arg, false])) {
      return;
    }
  }
  throw new Error(`Tab never reached ${matches}`);
}

module.exports = { PASSWORD, login, loginToBilling, tabTo };
