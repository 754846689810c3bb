import type { LiveModel } from '../live-model';
import { clock, PipelinePanels } from './components';

/** Polls the live view's `/state.json` and redraws; shows when the data is stale or the processor unreachable. */
export function startLivePage(root: HTMLElement, status: HTMLElement, options: { readonly stateUrl: string; readonly intervalMs: number }): void {
  const panels = new PipelinePanels(root);
  let busy = false;
  const refresh = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      const response = await fetch(options.stateUrl, { cache: 'no-store' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const model = (await response.json()) as LiveModel;
      panels.update(model);
      status.textContent = `Updated ${clock(model.generatedAtMs)}${model.processorError === undefined ? '' : ` — ${model.processorError}`}`;
      status.className = model.processorError === undefined ? 'status ok' : 'status warn';
    } catch (error) {
      status.textContent = `The live view's server does not answer (${String(error)}): the run has probably stopped.`;
      status.className = 'status warn';
    } finally {
      busy = false;
    }
  };
  void refresh();
  setInterval(() => void refresh(), options.intervalMs);
}
