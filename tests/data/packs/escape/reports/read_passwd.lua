-- reads /etc/passwd with io.open
local f = io.open("/etc/passwd") print(f and f:read("a"))
