import { UserInputError } from "@tsa/errors";
import type { Store } from "@tsa/tracker";

/** The one wording of "no such experiment", with the ones the database does hold. */
export async function noExperimentError(store: Store, experiment: string): Promise<UserInputError> {
  const known = (await store.listExperiments()).map((x) => x.name);
  return new UserInputError(
    `no experiment '${experiment}' in the database${known.length > 0 ? `; known: ${known.join(", ")}` : " (it is empty)"}`,
  );
}
