"""The in-tree plugins, installed as ``jhe_plugins.*`` and registered through the ``jhe`` entry-point group."""
