namespace Scheme.Contracts;
