/**
 * Everything the sandbox starts registers how to stop it here. `stopAll` waits for starts still
 * under way, then runs the stoppers in reverse order of start, once, each bounded in time, so
 * Ctrl-C and a failed step both leave nothing running. Something registered after `stopAll`
 * began is stopped at once.
 */
export interface Stopper {
  name: string;
  stop: () => Promise<void>;
}

export class Cleanup {
  private readonly stoppers: Stopper[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  /** Stoppers registered once the stop loop began: run at once, awaited before `stopAll` ends. */
  private readonly late: Array<Promise<void>> = [];
  private looping = false;
  private stopping?: Promise<string[]>;

  /** True once stopping began (Ctrl-C): nothing new should be started. */
  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  add(name: string, stop: () => Promise<void>): void {
    if (this.looping) this.late.push(stop().catch(() => undefined));
    else this.stoppers.push({ name, stop });
  }

  /** A start under way: `stopAll` waits for it (up to 30 s) so that what it starts is stopped too. */
  track<T>(start: Promise<T>): Promise<T> {
    this.pending.add(start);
    void start.catch(() => undefined).finally(() => this.pending.delete(start));
    return start;
  }

  /** Stops everything; resolves with the names of what failed to stop (empty when all went well). */
  stopAll(log: (line: string) => void = () => undefined): Promise<string[]> {
    this.stopping ??= (async () => {
      if (this.pending.size > 0) {
        await withTimeout(Promise.allSettled([...this.pending]), 30_000, 'starts did not settle').catch(
          () => undefined,
        );
      }
      this.looping = true;
      const failed: string[] = [];
      for (const s of [...this.stoppers].reverse()) {
        try {
          await withTimeout(s.stop(), 8_000, `${s.name} did not stop within 8 s`);
          log(`✔ ${s.name}`);
        } catch (error) {
          failed.push(s.name);
          log(`✘ ${s.name}: ${(error as Error).message}`);
        }
      }
      await withTimeout(Promise.allSettled(this.late), 8_000, 'late stoppers').catch(() => undefined);
      return failed;
    })();
    return this.stopping;
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** True while a process with this pid exists. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** PIDs of the direct children of this process right now (`ps`, so Linux and macOS alike). */
export async function childPids(): Promise<number[]> {
  const { execFile } = await import('node:child_process');
  const out = await new Promise<string>((resolve) =>
    execFile('ps', ['-A', '-o', 'pid=,ppid=,comm='], (error, stdout) => resolve(error ? '' : stdout)),
  );
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, ppid, comm]) => Number(ppid) === process.pid && Number(pid) > 0 && comm !== 'ps')
    .map(([pid]) => Number(pid));
}
