/**
 * A one-line progress bar redrawn in place, for terminals only: when stdout is a file or a pipe
 * nothing is drawn, so scripted output stays clean.
 */
export interface Progress {
  update(done: number): void;
  finish(): void;
}

export function progressBar(write: (text: string) => void, enabled: boolean, total: number, label: string): Progress {
  if (!enabled || total === 0) return { update: () => {}, finish: () => {} };
  const width = 30;
  let last = -1;
  const draw = (done: number) => {
    const filled = Math.round((done / total) * width);
    if (filled === last && done !== total) return;
    last = filled;
    write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
  };
  return {
    update: draw,
    finish: () => {
      draw(total);
      write('\n');
    },
  };
}
