-- runs a program with io.popen
io.popen("id"):read("a")
