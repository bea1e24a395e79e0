"""Optional page groups of the report, one module each. They use :mod:`analysis.report.layout`
and :mod:`analysis.report.plots`; :mod:`analysis.report.document` calls them."""
