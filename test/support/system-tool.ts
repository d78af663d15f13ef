import { spawnSync } from 'node:child_process';

/** A command-line tool from a Debian package that some tests run (promtool, amtool). */
export interface SystemTool {
  readonly command: string;
  /** Whether it runs here: the tests that need it run only when it does. */
  readonly present: boolean;
}

const announced = new Set<string>();

/**
 * Looks for `command` on PATH (it must answer `--version`). When it is missing and `CI` is unset,
 * the tests that need it skip, with one line naming the apt package; under CI a missing tool
 * throws, failing the test file (.ci/run and `npm ci` as root install the packages).
 */
export function systemTool(command: string, aptPackage: string): SystemTool {
  const present = spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
  if (!present) {
    const reason = `${command} is not installed: sudo apt-get install -y ${aptPackage} to run the tests that need it`;
    if (process.env.CI) throw new Error(`${reason} (CI is set, so this is a failure, not a skip)`);
    if (!announced.has(command)) {
      announced.add(command);
      console.warn(`skipped: ${reason}`);
    }
  }
  return { command, present };
}

/** Runs a tool; returns its exit status and what it wrote (stdout and stderr together). */
export function runTool(tool: SystemTool, args: readonly string[], options: { cwd?: string } = {}): { status: number | null; output: string } {
  const result = spawnSync(tool.command, args, { encoding: 'utf8', ...(options.cwd ? { cwd: options.cwd } : {}) });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}
