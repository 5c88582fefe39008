"""Writing and looking: the email editor, the segment × phase matrix, the cell preview, the email frame
and test sends. Every email shown here is rendered by the engine in emails/.

blueprint.py is the URL table; views.py and editor.py the pages, api.py the JSON API.
"""
