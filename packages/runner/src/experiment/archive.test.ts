import type { ArchiveDataConfig } from "@tsa/data";
import { DataFileError, ExperimentSpecError, ExperimentSpecProblems, RunFailedError } from "@tsa/errors";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { archiveRunSplits, PROJECT_DATASETS, problemFiles } from "./archive.js";
import { expandRuns, isOutdated, recordedSeries, resolvedConfig } from "./expand.js";
import { loadExperiment, parseExperiment } from "./load.js";

const fixtures = fileURLToPath(new URL("../../test/fixtures/", import.meta.url));
const tiny = join(fixtures, "archive");

const parse = (text: string, options = {}) => parseExperiment(text, "archive.yaml", { baseDir: fixtures, ...options });

/** The messages a file's problems give, one each, or none when it loads. */
function problemsOf(text: string, options = {}): string[] {
  try {
    parse(text, options);
    return [];
  } catch (e) {
    if (e instanceof ExperimentSpecProblems) return e.problems.map((p) => p.message);
    if (e instanceof ExperimentSpecError || e instanceof DataFileError) return [e.message];
    throw e;
  }
}

describe("an experiment on archive problems", () => {
  it("plans each problem's runs with its validation share and normalisation, never its folder", () => {
    const experiment = parse(
      `name: a\ndata: { folder: archive }\nsweep: { data.problem: [GunPoint, BasicMotions] }\nmodels: [cnn]\nseeds: [1, 2]\n`,
    );
    const plans = expandRuns(experiment);
    expect(plans.map((p) => [p.point, p.seed])).toEqual([
      [{ "data.problem": "GunPoint" }, 1],
      [{ "data.problem": "GunPoint" }, 2],
      [{ "data.problem": "BasicMotions" }, 1],
      [{ "data.problem": "BasicMotions" }, 2],
    ]);
    expect(plans[0]!.data).toEqual({ problem: "GunPoint", folder: tiny, validation: 0.2, zNormalize: false });
    expect((resolvedConfig(plans[0]!) as { data: unknown }).data).toEqual({ problem: "GunPoint", validation: 0.2, zNormalize: false });
    // The generator's version is no part of an archive run's code, and its defaults no part of the stored spec.
    expect((resolvedConfig(plans[0]!) as { code: unknown }).code).toEqual({
      model: expect.any(Number),
      series: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(experiment.data).toEqual({ folder: tiny });
  });

  it("gives a problem's runs the same ids wherever its files are", () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "tsa-archive-"));
    cpSync(join(tiny, "GunPoint"), join(elsewhere, "GunPoint"), { recursive: true });
    const ids = (folder: string) =>
      expandRuns(parse(`name: a\ndata: { problem: GunPoint, folder: ${folder} }\nmodels: [cnn]\nseeds: [1]\n`)).map((p) => p.id);
    expect(ids(elsewhere)).toEqual(ids(tiny));
  });

  describe("a problem's files edited after its runs", () => {
    const folders: string[] = [];
    afterAll(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));
    /** GunPoint's tiny files in a fresh folder, the train file passed through `edit`. */
    const copy = (edit: (text: string) => string = (t) => t) => {
      const folder = mkdtempSync(join(tmpdir(), "tsa-archive-"));
      folders.push(folder);
      mkdirSync(join(folder, "GunPoint"));
      for (const split of ["TRAIN", "TEST"]) {
        const file = `GunPoint/GunPoint_${split}.ts`;
        writeFileSync(join(folder, file), (split === "TRAIN" ? edit : (t: string) => t)(readFileSync(join(tiny, file), "utf8")));
      }
      return folder;
    };
    const planIn = (folder: string) =>
      expandRuns(parse(`name: a\ndata: { problem: GunPoint, folder: ${folder} }\nmodels: [ffn]\nseeds: [1]\n`))[0]!;
    const oneValue = (t: string) => t.replace("-0.6478854,", "-0.6478855,");

    it("re-runs a completed run whose series changed, and only then (another folder, or the same values written another way, is the same)", () => {
      const recorded = resolvedConfig(planIn(tiny));
      expect(isOutdated(planIn(tiny), recorded)).toBe(false);
      expect(isOutdated(planIn(copy()), recorded)).toBe(false);
      expect(isOutdated(planIn(copy((t) => t.replace("-0.6478854,", "-0.64788540,"))), recorded)).toBe(false);
      const changed = planIn(copy(oneValue));
      expect(changed.id).toBe(planIn(tiny).id);
      expect(isOutdated(changed, recorded)).toBe(true);
      // A run recorded before runs kept their series' hash stands.
      const { series: _series, ...before } = (recorded as { code: Record<string, unknown> }).code;
      expect(isOutdated(changed, { ...recorded, code: before })).toBe(false);
    });

    it("sees a file edited in place within one process, and refuses to train a run enqueued before the edit", () => {
      const folder = copy();
      const plan = planIn(folder);
      const recorded = resolvedConfig(plan);
      const series = recordedSeries(recorded);
      expect(archiveRunSplits(plan.data as ArchiveDataConfig, 1, series).train.n).toBeGreaterThan(0);
      const train = join(folder, "GunPoint", "GunPoint_TRAIN.ts");
      writeFileSync(train, oneValue(readFileSync(train, "utf8")));
      // A later modification time, whatever the file system's clock resolution.
      utimesSync(train, new Date(), new Date(Date.now() + 5_000));
      expect(isOutdated(plan, recorded)).toBe(true);
      expect(() => archiveRunSplits(plan.data as ArchiveDataConfig, 1, series)).toThrow(RunFailedError);
      expect(() => archiveRunSplits(plan.data as ArchiveDataConfig, 1, series)).toThrow(
        /^data\.problem 'GunPoint': its files here \(.*GunPoint_TRAIN\.ts, .*GunPoint_TEST\.ts\) hold other series \([0-9a-f]{16}\) than this run was enqueued with \([0-9a-f]{16}\): edited since, or another copy than the enqueuing machine's; run the sweep again/,
      );
      // Enqueued again (the sweep records the series as the files are now), it trains.
      expect(archiveRunSplits(plan.data as ArchiveDataConfig, 1, recordedSeries(resolvedConfig(plan))).train.n).toBeGreaterThan(0);
    });

    it("keeps a completed run while its folder cannot be read (a redo could only fail and would lose it)", () => {
      const folder = copy();
      const plan = planIn(folder);
      const recorded = resolvedConfig(plan);
      rmSync(folder, { recursive: true });
      expect(isOutdated(plan, recorded)).toBe(false);
    });
  });

  it("reads a relative folder from the experiment file's own folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "tsa-archive-"));
    cpSync(tiny, join(dir, "data"), { recursive: true });
    writeFileSync(join(dir, "a.yaml"), "name: a\ndata: { problem: GunPoint, folder: data }\nmodels: [ffn]\nseeds: [1]\n");
    const [plan] = expandRuns(loadExperiment(join(dir, "a.yaml")));
    expect(plan!.data).toMatchObject({ folder: join(dir, "data") });
  });

  it("reads the project's datasets/ when the file names no folder", () => {
    expect(readdirSync(PROJECT_DATASETS)).toEqual(expect.arrayContaining(["GunPoint", "ItalyPowerDemand", "ArrowHead", "BasicMotions"]));
    const [plan] = expandRuns(parse(`name: a\ndata: { problem: ItalyPowerDemand }\nmodels: [ffn]\nseeds: [1]\n`));
    expect(plan!.data).toEqual({ problem: "ItalyPowerDemand", validation: 0.2, zNormalize: false });
    expect(problemFiles(PROJECT_DATASETS, "ItalyPowerDemand")).not.toBeNull();
  });

  it("cuts a run's validation from the train file by its seed, the test file whole, channels and classes from the files", () => {
    const data = { problem: "BasicMotions", folder: tiny, validation: 0.34, zNormalize: false };
    const splits = archiveRunSplits(data, 1);
    expect([splits.train.n, splits.val.n, splits.test.n]).toEqual([8, 4, 8]);
    expect([splits.train.numPoints, splits.train.numChannels, splits.train.numClasses]).toEqual([100, 6, 4]);
    expect(Array.from(archiveRunSplits(data, 1).val.indices)).toEqual(Array.from(splits.val.indices));
    expect(Array.from(archiveRunSplits(data, 2).val.indices)).not.toEqual(Array.from(splits.val.indices));
    const normalised = archiveRunSplits({ ...data, zNormalize: true }, 1).train.x;
    const first = Array.from({ length: 100 }, (_, t) => normalised[t * 6]!);
    expect(first.reduce((a, b) => a + b, 0) / 100).toBeCloseTo(0, 5);
  });
});

describe("an experiment on archive problems that cannot run", () => {
  it("names a problem its folder lacks, and the nearest it has", () => {
    expect(
      problemsOf(`name: a\ndata: { folder: archive }\nsweep: { data.problem: [GunPoint, GunPiont] }\nmodels: [cnn]\nseeds: [1]\n`),
    ).toEqual([
      expect.stringMatching(
        /^archive\.yaml: sweep\.data\.problem\[1\]: expected a problem with <name>_TRAIN and <name>_TEST files .* \(BasicMotions, GunPoint\) \(did you mean 'GunPoint'\?\), got "GunPiont"$/,
      ),
    ]);
  });

  it("refuses the generator's settings beside a problem, in data and as axes", () => {
    expect(
      problemsOf(
        `name: a\ndata: { problem: GunPoint, folder: archive, noise: 0.1 }\nsweep: { data.size: [10, 20] }\nmodels: [cnn]\nseeds: [1]\n`,
      ),
    ).toEqual([
      expect.stringMatching(/^archive\.yaml: data\.noise: expected an archive problem's setting .*noise is the generated task's/),
      expect.stringMatching(/^archive\.yaml: sweep\.data\.size: expected an axis over an archive problem's settings/),
    ]);
  });

  it("refuses a validation split with no case wherever something reads it", () => {
    expect(problemsOf(`name: a\ndata: { problem: GunPoint, folder: archive, validation: 0 }\nmodels: [cnn]\nseeds: [1]\n`)).toEqual([
      expect.stringMatching(
        /^archive\.yaml: data\.validation: expected a validation share that holds out a case of GunPoint's train file \(classes of 5, 5\) for model 'cnn': its protocol, early-stopping, stops on validation loss .*, got 0$/,
      ),
    ]);
    // round(0.05 × 5) = 0 of each class: a share above 0 that holds out nothing is as empty.
    expect(problemsOf(`name: a\ndata: { problem: GunPoint, folder: archive, validation: 0.05 }\nmodels: [cnn]\nseeds: [1]\n`)).toEqual([
      expect.stringMatching(/data\.validation: expected a validation share that holds out a case .*, got 0\.05$/),
    ]);
    const tuned = `name: a\ndata: { problem: GunPoint, folder: archive, validation: 0 }\ntrain: { protocol: fawaz2019 }\nmodels: [cnn]\nseeds: [1]\ntune: { space: { train.lr: [0.01, 0.001] }, budget: 2, seeds: [100] }\n`;
    expect(problemsOf(tuned)).toEqual([expect.stringMatching(/data\.validation: .*tune: chooses its configuration on validation/)]);
    expect(
      problemsOf(
        `name: a\ndata: { problem: GunPoint, folder: archive, validation: 0 }\ntrain: { protocol: fawaz2019 }\nmodels: [cnn]\nseeds: [1]\n`,
      ),
    ).toEqual([]);
  });

  it("names a folder that does not exist, and settings of a problem that names none", () => {
    expect(problemsOf(`name: a\ndata: { problem: GunPoint, folder: /no/such/folder }\nmodels: [cnn]\nseeds: [1]\n`)).toEqual([
      'archive.yaml: data.folder: expected an existing folder of archive problems, got "/no/such/folder"',
    ]);
    expect(problemsOf(`name: a\ndata: { validation: 0.1 }\nmodels: [cnn]\nseeds: [1]\n`)).toEqual([
      expect.stringMatching(
        /^archive\.yaml: data\.problem: expected a problem's name \(in data or as a data\.problem axis\): folder, validation, zNormalize are settings of an archive problem, got nothing$/,
      ),
    ]);
  });

  it("reads ~/ as the user's home", () => {
    const folder = mkdtempSync(join(homedir(), ".tsa-archive-test-"));
    try {
      cpSync(join(tiny, "GunPoint"), join(folder, "GunPoint"), { recursive: true });
      const experiment = parse(`name: a\ndata: { problem: GunPoint, folder: ~/${basename(folder)} }\nmodels: [cnn]\nseeds: [1]\n`);
      expect((experiment.data as { folder: string }).folder).toBe(folder);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("refuses a problem shorter than a model can read", () => {
    const folder = mkdtempSync(join(tmpdir(), "tsa-archive-"));
    mkdirSync(join(folder, "Short"));
    for (const split of ["TRAIN", "TEST"]) writeFileSync(join(folder, "Short", `Short_${split}.ts`), "@data\n1,2,3:a\n3,2,1:b\n");
    expect(
      problemsOf(
        `name: a\ndata: { problem: Short, folder: ${folder}, validation: 0 }\ntrain: { protocol: fawaz2019 }\nmodels: [ffn]\nseeds: [1]\n`,
      ),
    ).toEqual(["archive.yaml: data.problem: expected series of at least 8 steps for model 'ffn', got Short, of 3"]);
  });

  it("names every malformed file of a sweep at its line, all at once", () => {
    const names = readdirSync(join(fixtures, "bad-archive"), { withFileTypes: true }).filter((d) => d.isDirectory());
    const problems = problemsOf(
      `name: a\ndata: { folder: bad-archive }\nsweep: { data.problem: [${names.map((d) => d.name).join(", ")}] }\nmodels: [ffn]\nseeds: [1]\n`,
    );
    expect(names.length).toBeGreaterThanOrEqual(20);
    expect(problems).toHaveLength(names.length);
    for (const { name } of names) {
      const own = problems.filter((p) => p.includes(`${name}_T`) || p.includes(`"${name}"`));
      expect(own, name).toHaveLength(1);
      expect(own[0], name).toMatch(
        name === "NoTestFile" ? /sweep\.data\.problem\[\d+\]: expected a problem with/ : /_T(RAIN|EST)\.tsv?:\d+: expected .*, got /,
      );
    }
  });
});
