export * from "./spec/index.js";
