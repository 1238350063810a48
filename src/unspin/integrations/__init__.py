"""Thin adapters of the document pipeline (:mod:`unspin.pipeline`) to other engines (extras).

- :mod:`unspin.integrations.spark`: ``scan_dataframe(df, ...)`` for PySpark (``unspin[spark]``)
- :mod:`unspin.integrations.datatrove`: ``SpinFilter``, a datatrove filter (``unspin[datatrove]``)
"""
