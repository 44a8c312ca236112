import * as tf from "@tensorflow/tfjs";
import { execFileSync } from "node:child_process";
import { hostname } from "node:os";
import { readFileSync } from "node:fs";

/** The commit the code ran from, `+dirty` when tracked files had changes; null outside a git checkout. */
export function gitCommit(cwd = process.cwd()): string | null {
  try {
    const git = (...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const head = git("rev-parse", "HEAD");
    return git("status", "--porcelain", "--untracked-files=no") === "" ? head : `${head}+dirty`;
  } catch {
    return null;
  }
}

/** Versions that can change a result: Node, tfjs, tsa-lab. */
export function versions(): Record<string, string> {
  const own = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return { node: process.version, tfjs: tf.version.tfjs, tsaLab: own.version };
}

/** `host:sweepPid:workerPid`: who holds a running run, so a later sweep can tell if it is still alive. */
export function ownerId(workerPid: number): string {
  return `${hostname()}:${process.pid}:${workerPid}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * True when a run's owner is a process on this host that no longer exists (a killed sweep or worker).
 * Owners on other hosts (a database on a shared disk) are judged by their heartbeat alone.
 */
export function isOwnerDead(owner: string): boolean {
  const [host, ...pids] = owner.split(":");
  if (host !== hostname()) return false;
  return pids.some((pid) => !alive(Number(pid)));
}
