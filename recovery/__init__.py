"""The expected recovery course and how a diary entry is judged against it.

Plain Python, no Django: the clinical rules can be read and tested alone.
"""
