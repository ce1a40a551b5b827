-- stops the garbage collector
collectgarbage("stop")
