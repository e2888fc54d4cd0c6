"""Real data in: police.uk street-level crimes, Home Office recorded crime and analysts' own counts.

Each source becomes the Data rows (and, for recorded crime, the MSG sheet) of
an input workbook, with indicator definitions the analyst can see and edit
(:mod:`.mapping`). DuckDB does the heavy reading and aggregation; pandas only
sees the counts. Every ingest prints a :class:`~.report.Report`.

- :mod:`.police_uk`: street-level CSV files, folders and .zip archives
- :mod:`.recorded_crime`: offence-code tables -> quarterly counts and MSG
- :mod:`.counts`: wide or long monthly tables analysts keep
- :mod:`.output`, :mod:`.merge`: a new file, or ``--into`` an existing workbook
"""
