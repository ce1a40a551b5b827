-- reads /etc/passwd with io.lines
for l in io.lines("/etc/passwd") do print(l) end
