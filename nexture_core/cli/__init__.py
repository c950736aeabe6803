"""The ``nexture`` command line: a thin shell over the library."""
