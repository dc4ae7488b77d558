import { cloudEvent } from '@google-cloud/functions-framework';
import { acquireFunction } from './function';

cloudEvent('acquire', acquireFunction());
