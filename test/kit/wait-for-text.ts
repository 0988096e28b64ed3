// Waiting for output of a child process or console, polled: resolves once `pattern` matches the text `get` returns,
// rejects after `timeoutMs` with the text's tail.

export function waitForText(get: () => string, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const timer = setInterval(() => {
      if (pattern.test(get())) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - t0 > timeoutMs) {
        clearInterval(timer);
        reject(new Error('no ' + pattern + ' within ' + timeoutMs + ' ms in:\n' + get().slice(-3000)));
      }
    }, 50);
  });
}
