-- requires the io library by name
print(require("io").popen)
