// How every message shows a file: the CLI's errors and the runner's (an archive problem's files) alike.
import { isAbsolute, relative } from "node:path";

/**
 * A path for a message: relative to where the user is when it lies inside it, else as given. `yarn <script>`
 * runs from the repository root and keeps the user's directory in INIT_CWD.
 */
export function shownPath(path: string): string {
  const rel = relative(process.env.INIT_CWD ?? process.cwd(), path);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}
