"""The plan: campaigns, phases, touchpoints, variants, audiences, and the journey map.

blueprint.py is the URL table; views.py the pages, api.py the JSON API, serialize.py its shapes,
services.py the operations behind both, models.py the tables, cells.py the segment × phase grid,
content.py what a segment gets.
"""
