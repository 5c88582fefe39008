"""Files and ESPs: the plan CSV, the campaign document (export and import), and mailjet/ (tags, bundle, push).

blueprint.py is the URL table; views.py the pages and downloads, api.py the JSON API, cli.py the commands.
"""
