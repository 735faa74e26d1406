from hasiru.cli import main

main()
