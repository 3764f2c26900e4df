import { describe, expect, it } from 'vitest';
import { progress, progressLine, type ProgressStream } from '../../tools/progress.js';

function terminal(isTTY: boolean): ProgressStream & { text: string } {
  const stream = { isTTY, columns: 60, text: '', write: (text: string) => { stream.text += text; return true; } };
  return stream;
}

describe('progress', () => {
  it('is silent when the stream is not a terminal', () => {
    const stream = terminal(false);
    const bar = progress('stats', 100, { stream });
    bar.update(50);
    bar.done();
    expect(stream.text).toBe('');
  });

  it('draws on a terminal, at most every 100 ms (and always at 100%), and erases itself when done', () => {
    const stream = terminal(true);
    let now = 0;
    const bar = progress('stats', 100, { stream, now: () => now });
    bar.update(10);
    now = 50;
    bar.update(20);
    now = 150;
    bar.update(30);
    bar.update(100);
    bar.done();
    bar.update(40);
    const frames = stream.text.split('\r').filter((frame) => frame !== '');
    expect(frames).toEqual([
      `${progressLine('stats', 10, 100, 60)}\x1b[K`,
      `${progressLine('stats', 30, 100, 60)}\x1b[K`,
      `${progressLine('stats', 100, 100, 60)}\x1b[K`,
      '\x1b[K',
    ]);
  });

  it('done() writes nothing when nothing was drawn', () => {
    const stream = terminal(true);
    progress('replay', 10, { stream }).done();
    expect(stream.text).toBe('');
  });
});

describe('progressLine', () => {
  it.each([
    ['stats', 0, 10, 80, 'stats [........................................]   0% 0/10'],
    ['stats', 5, 10, 80, 'stats [####################....................]  50% 5/10'],
    ['stats', 12, 10, 80, 'stats [########################################] 100% 10/10'],
    ['replay', 3, 4, 40, 'replay [################.....]  75% 3/4'],
    ['diff', 7, 0, 80, 'diff 7'],
  ])('%s %i/%i in %i columns', (label, done, total, columns, line) => {
    expect(progressLine(label, done, total, columns)).toBe(line);
  });
});
