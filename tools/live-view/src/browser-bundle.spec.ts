import { browserBundle, inlineScript } from './browser-bundle';

describe('browserBundle', () => {
  it('bundles the page code with Chart.js into one script defining TenantAnalyticsView, once per process', () => {
    // Act
    const script = browserBundle();

    // Assess
    expect(script).toMatch(/^"use strict";var TenantAnalyticsView=/);
    expect(script).toContain('startLivePage');
    expect(script).toContain('renderReportCharts');
    expect(script).toMatch(/Chart\.js v4\.\d+\.\d+/); // the library's licence banner, kept inline
    expect(script).not.toMatch(/\b(import|require)\(/);
    expect(browserBundle()).toBe(script);
  });
});

describe('inlineScript', () => {
  it('keeps a script from closing its element or opening a comment', () => {
    expect(inlineScript('a="</script><script>x</SCRIPT>";b="<!--"')).toBe('a="<\\/script><script>x<\\/SCRIPT>";b="<\\!--"');
  });
});
