"""Thin adapters of :func:`unspin.scan.process_record` to other engines (optional extras).

- :mod:`unspin.integrations.spark`: ``scan_dataframe(df, ...)`` for PySpark (``unspin[spark]``)
- :mod:`unspin.integrations.datatrove`: ``SpinFilter``, a datatrove filter (``unspin[datatrove]``)
"""
