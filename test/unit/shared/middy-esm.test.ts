import middy from '@middy/core';
// Guards the jest transform that lets tests import real handlers (middy is ESM-only).
it('runs a middy handler under jest', async () => {
  const h = middy<{ a: number }, number>().handler(async (e: { a: number }) => e.a + 1);
  expect(await h({ a: 1 }, {} as never)).toBe(2);
});
