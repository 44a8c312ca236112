// `yarn parity`: our bilstm-attention against the project's PyTorch program on the very same series, seed
// by seed (issue 11). Never part of a test run. Progress on stderr, tables (or --json) on stdout; results
// are kept per seed under --out, so Ctrl-C loses only the run in progress and a second call resumes.
import { TsaError } from "@tsa/errors";
import { describeBlas, pytorchBlas } from "../blas.js";
import { DEFAULT_PYTHON, TORCH_INSTALL_ADVICE, pytorchUnavailable } from "../pytorch/program.js";
import { ParityUsageError, USAGE, parseParityArgs, type ParityOptions } from "./args.js";

/** Exit codes as the CLI's: 0 done, 1 a run failed, 2 bad input or a missing prerequisite, 130 interrupted. */
async function main(): Promise<number> {
  let options: ParityOptions;
  try {
    const parsed = parseParityArgs(process.argv.slice(2));
    if (parsed === "help") {
      console.log(USAGE);
      return 0;
    }
    options = parsed;
  } catch (e) {
    if (!(e instanceof ParityUsageError)) throw e;
    console.error(`${e.message}\n${USAGE}`);
    return 2;
  }
  if (options.variants.includes("pytorch") && !options.reportOnly) {
    const why = pytorchUnavailable(options.python);
    if (why !== null) {
      console.error(
        `yarn parity needs PyTorch: ${why}. Install it with ${TORCH_INSTALL_ADVICE}; it goes to ${DEFAULT_PYTHON}` +
          ` (a pyenv or venv python3 does not see it; --python PATH names another interpreter that has torch).`,
      );
      return 2;
    }
    // Speed is not parity's question, but its seconds column is read as one: say what PyTorch multiplies with.
    console.error(`PyTorch: ${describeBlas(pytorchBlas(options.python, options.threads))}`);
  }
  // Loaded only now: tfjs and the models take seconds to load, a usage error or a missing torch should not.
  const { runParity } = await import("./run.js");
  return runParity(options);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Our typed errors (a bad experiment file, say) carry their exit code and a message for the user.
    if (error instanceof TsaError) {
      console.error(error.message);
      process.exit(error.exitCode);
    }
    console.error(error);
    process.exit(1);
  },
);
