"""The audience: segments defined by motivation, action and obstacle, with the opportunity we answer with.

blueprint.py is the URL table; views.py the pages, api.py the JSON API, serialize.py its shapes,
services.py the operations.
"""
