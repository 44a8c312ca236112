export { startUi } from "./server.js";
export type { UiOptions, UiServer } from "./server.js";
