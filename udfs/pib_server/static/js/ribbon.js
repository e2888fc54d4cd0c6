// The ribbon's Refresh button (ExecuteFunction "pib-refresh" in templates/manifest.xml):
// runs the same script as the task pane's Refresh button. Replaces xlwings Server's ribbon.js.
async function pibRefresh(event) {
  let authResult =
    typeof globalThis.getAuth === "function"
      ? await globalThis.getAuth()
      : { token: "", provider: "" };
  try {
    await xlwings.runPython({
      auth: authResult.token,
      scriptName: "refresh",
      headers: { "Auth-Provider": authResult.provider },
    });
  } finally {
    event.completed();
  }
}
Office.actions.associate("pib-refresh", pibRefresh);
