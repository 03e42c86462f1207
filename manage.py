#!/usr/bin/env python
"""Utilidad de línea de órdenes de Django para Estado Abierto."""
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "estado_abierto.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
