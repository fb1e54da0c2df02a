from articles.management.commands import rebuild_indexes


class Command(rebuild_indexes.Command):
    """The older name of ``rebuild_indexes``, kept for scripts: both indexes are rebuilt."""

    help = "Alias of rebuild_indexes. " + rebuild_indexes.Command.help
