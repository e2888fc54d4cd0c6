// Sign-in for the PIB add-in. Replaces xlwings Server's static/js/auth.js.
//
// xlwings Server calls globalThis.getAuth() before every custom function call, every script
// (Refresh, from the task pane or the ribbon) and sends what it returns as the Authorization
// and Auth-Provider headers. The providers are the server's XL_PIB_AUTH (config.authProviders):
//   entraid: Microsoft Entra ID single sign-on, exactly as xlwings Server's own auth.js does it;
//   token:   the server's token (XL_PIB_TOKEN), which the analyst enters once in the task pane.
//            It is kept for the session (sessionStorage) and sent as "Bearer <token>".
// A function that needs the token before it has been entered opens the task pane and waits
// for it (up to TOKEN_WAIT_MS); the cell then shows the server's one-line reason if it is
// still missing. Custom functions share this page's runtime (SharedRuntime in the manifest).
(function () {
  const TOKEN_KEY = "xlPibToken";
  const TOKEN_WAIT_MS = 120000;
  let memoryToken = ""; // where sessionStorage is unavailable
  let waiting = []; // resolvers of calls waiting for the token

  function storedToken() {
    try {
      return sessionStorage.getItem(TOKEN_KEY) || "";
    } catch {
      return memoryToken;
    }
  }

  function keepToken(token) {
    memoryToken = token;
    try {
      if (token) {
        sessionStorage.setItem(TOKEN_KEY, token);
      } else {
        sessionStorage.removeItem(TOKEN_KEY);
      }
    } catch {
      // Only memoryToken then: the token lasts as long as this runtime.
    }
    if (token) {
      const resolvers = waiting;
      waiting = [];
      resolvers.forEach((resolve) => resolve(token));
    }
  }

  function askForToken() {
    try {
      Office.addin.showAsTaskpane(); // SharedRuntime 1.1: the pane with the token form
    } catch {
      // No Office (or an older host): the analyst opens the task pane themselves.
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(storedToken()), TOKEN_WAIT_MS);
      waiting.push((token) => {
        clearTimeout(timer);
        resolve(token);
      });
    });
  }

  function providers() {
    return (globalThis.config && globalThis.config.authProviders) || [];
  }

  globalThis.getAuth = async function () {
    if (providers().includes("entraid")) {
      return { token: await xlwings.getAccessToken(), provider: "entraid" };
    }
    if (providers().includes("token")) {
      const token = storedToken() || (await askForToken());
      return { token: token ? "Bearer " + token : "", provider: "token" };
    }
    return { token: "", provider: "" };
  };

  // The task pane's token form (templates/taskpane.html): the token is checked with the
  // server (GET /pib/user) before it is kept, so a mistyped one is said at once.
  async function checkToken(token) {
    const appPath = (globalThis.config && globalThis.config.appPath) || "";
    const response = await fetch(appPath + "/pib/user", {
      headers: { Authorization: "Bearer " + token, "Auth-Provider": "token" },
    });
    const answer = await response.json().catch(() => ({}));
    return { ok: response.ok, text: response.ok ? answer.name : answer.detail || response.statusText };
  }

  function wireTokenForm() {
    const form = document.getElementById("pib-token-form");
    if (!form) {
      return;
    }
    const input = document.getElementById("pib-token");
    const status = document.getElementById("pib-token-status");
    const say = (text) => (status.textContent = text);
    if (storedToken()) {
      say("Signed in for this session.");
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) {
        return;
      }
      try {
        const checked = await checkToken(token);
        if (checked.ok) {
          keepToken(token);
          input.value = "";
          say("Signed in as " + checked.text + " for this session.");
        } else {
          say(checked.text);
        }
      } catch (error) {
        say("The server did not answer: " + error);
      }
    });
  }

  globalThis.pibToken = { get: storedToken, set: keepToken, check: checkToken };
  if (typeof document !== "undefined") {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", wireTokenForm);
    } else {
      wireTokenForm();
    }
  }
})();
