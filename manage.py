#!/usr/bin/env python
from tinhso.cli import main

if __name__ == "__main__":
    main()
