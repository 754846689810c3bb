import { enrichmentOptions, runEnrichmentScenario } from './src/scenarios/enrichment-latency';
import { renderScenarioText } from './src/results';
(async () => {
  const r = await runEnrichmentScenario(enrichmentOptions(true), { quick: true, log: (l) => console.error(l) });
  console.log(renderScenarioText(r));
})();
