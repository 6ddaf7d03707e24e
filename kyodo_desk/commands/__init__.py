"""Batch sub-commands of ``kyodo-desk``; one module each, registered in ``cli.COMMAND_MODULES``."""
