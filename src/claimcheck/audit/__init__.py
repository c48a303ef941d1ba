"""The audit of synthesis reports (pure): each row a report ticks is matched to a registry claim and
compared with it, and every report gets a scorecard.

``engine`` puts the steps together (``audit_report``, ``audit_reports``); ``resolve`` matches a row
to its claim and runs the comparisons (numbers and counts in ``contradiction``, negation in
``negation``, directions in the ``polarity*`` modules, names in ``name_substitution``, sizes in
``model_sizes``); ``findings`` words what was found; ``attribution`` and ``question`` check the
references and the research question; ``models`` holds the scorecard's data. Reading the report's
files is ``sources.synthesis``; drawing a scorecard is ``reports.scorecard``; the effects around it
(files, the store) are ``workflow_audit``.
"""
