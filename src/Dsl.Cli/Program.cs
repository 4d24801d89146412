using Scheme.Cli;

return CommandLine.Run(args, Console.Out, Console.Error);
