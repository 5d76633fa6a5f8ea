/**
 * Loads a module graph afresh (jest.isolateModules) with `env` set while it loads: handler.ts
 * files read their configuration at cold start. `load` runs inside the isolated registry, so the
 * SDK modules it requires there are the ones the handler's clients come from (mock those).
 */
export function loadIsolated<T>(env: Record<string, string>, load: () => T): T {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  let loaded: T | undefined;
  try {
    jest.isolateModules(() => {
      loaded = load();
    });
  } finally {
    process.env = saved;
  }
  return loaded!;
}

interface PublishCall {
  args: [{ input: { Subject?: string; Message?: string } }];
}

/** Subject and message of every SNS Publish a mocked SNSClient received. */
export function publishedTexts(calls: () => unknown[]): () => string[] {
  return () =>
    (calls() as PublishCall[]).map(
      (c) => `${c.args[0].input.Subject ?? ''}\n${c.args[0].input.Message ?? ''}`,
    );
}
